-- wrk script: one /probe per distinct target path, so blackbox_exporter
-- probes the same targets one scrape of outage_exporter covers. Run with -t1
-- (one Lua state counts them all). wrk's own clock runs to -d whatever the
-- script does, so after $TARGETS answers this exits the process, and the
-- caller times wrk from outside. Prints "answered=N failed=M" on stderr.
local total = tonumber(os.getenv("TARGETS"))
local module = os.getenv("MODULE") or "http_2xx"
local base = os.getenv("TARGET_BASE")  -- e.g. http://127.0.0.1:8080/t/
local sent, answered, failed = 0, 0, 0

request = function()
  sent = sent + 1
  local i = ((sent - 1) % total) + 1
  return wrk.format("GET", "/probe?module=" .. module .. "&target=" .. base .. i)
end

response = function(status, headers, body)
  answered = answered + 1
  if status ~= 200 or not string.find(body, "\nprobe_success 1\n", 1, true) then
    failed = failed + 1
  end
  if answered >= total then
    io.stderr:write("answered=" .. answered .. " failed=" .. failed .. "\n")
    os.exit(0)
  end
end
