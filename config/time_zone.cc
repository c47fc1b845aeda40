// TZif reader (RFC 8536) and POSIX TZ rule evaluation; see time_zone.h.
#include "config/time_zone.h"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <sstream>

namespace outage {
namespace {

constexpr int64_t kDay = 86400;
constexpr size_t kHeaderSize = 44;
constexpr size_t kMaxTzifSize = 1 << 20;  // real files are a few KiB

// Reader walks a byte buffer; every read is bounds-checked.
class Reader {
 public:
  explicit Reader(std::string_view data) : data_(data) {}
  bool Skip(size_t n) {
    if (data_.size() - pos_ < n) return false;
    pos_ += n;
    return true;
  }
  bool Int(size_t width, int64_t* out) {
    if (data_.size() - pos_ < width) return false;
    uint64_t v = 0;
    for (size_t i = 0; i < width; ++i) v = (v << 8) | static_cast<unsigned char>(data_[pos_ + i]);
    pos_ += width;
    // Sign-extend from `width` bytes.
    if (width < 8 && (v >> (width * 8 - 1)) != 0) v |= ~uint64_t{0} << (width * 8);
    *out = static_cast<int64_t>(v);
    return true;
  }
  bool Byte(int* out) {
    if (pos_ >= data_.size()) return false;
    *out = static_cast<unsigned char>(data_[pos_++]);
    return true;
  }
  std::string_view Rest() const { return data_.substr(pos_); }

 private:
  std::string_view data_;
  size_t pos_ = 0;
};

struct Header {
  char version = 0;
  int64_t isutcnt = 0, isstdcnt = 0, leapcnt = 0, timecnt = 0, typecnt = 0, charcnt = 0;
};

bool ReadHeader(Reader& r, Header* h) {
  const std::string_view rest = r.Rest();
  if (rest.size() < kHeaderSize || rest.substr(0, 4) != "TZif") return false;
  h->version = rest[4];
  r.Skip(20);
  return r.Int(4, &h->isutcnt) && r.Int(4, &h->isstdcnt) && r.Int(4, &h->leapcnt) &&
         r.Int(4, &h->timecnt) && r.Int(4, &h->typecnt) && r.Int(4, &h->charcnt) &&
         h->typecnt > 0 && h->timecnt >= 0 && h->charcnt >= 0 && h->leapcnt >= 0 &&
         (h->isutcnt == 0 || h->isutcnt == h->typecnt) &&
         (h->isstdcnt == 0 || h->isstdcnt == h->typecnt);
}

size_t DataSize(const Header& h, size_t time_size) {
  return static_cast<size_t>(h.timecnt) * (time_size + 1) + static_cast<size_t>(h.typecnt) * 6 +
         static_cast<size_t>(h.charcnt) + static_cast<size_t>(h.leapcnt) * (time_size + 4) +
         static_cast<size_t>(h.isstdcnt + h.isutcnt);
}

bool IsZoneNameChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '+' ||
         c == '/';
}

// --- POSIX TZ strings: "CET-1CEST,M3.5.0,M10.5.0/3", "<+03>-3", "EST5EDT,..."

bool SkipAbbreviation(std::string_view& s) {
  if (!s.empty() && s[0] == '<') {
    const size_t end = s.find('>');
    if (end == std::string_view::npos || end < 4) return false;
    s.remove_prefix(end + 1);
    return true;
  }
  size_t n = 0;
  while (n < s.size() && std::isalpha(static_cast<unsigned char>(s[n]))) ++n;
  if (n < 3) return false;
  s.remove_prefix(n);
  return true;
}

bool ParseNumber(std::string_view& s, int max, int* out) {
  size_t n = 0;
  int v = 0;
  while (n < s.size() && std::isdigit(static_cast<unsigned char>(s[n])) && n < 3) {
    v = v * 10 + (s[n] - '0');
    ++n;
  }
  if (n == 0 || v > max) return false;
  s.remove_prefix(n);
  *out = v;
  return true;
}

// ParseHms reads [+-]hh[:mm[:ss]] into seconds (hours up to 167, RFC 8536).
bool ParseHms(std::string_view& s, int32_t* out) {
  int sign = 1;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    sign = s[0] == '-' ? -1 : 1;
    s.remove_prefix(1);
  }
  int h = 0, m = 0, sec = 0;
  if (!ParseNumber(s, 167, &h)) return false;
  if (!s.empty() && s[0] == ':') {
    s.remove_prefix(1);
    if (!ParseNumber(s, 59, &m)) return false;
    if (!s.empty() && s[0] == ':') {
      s.remove_prefix(1);
      if (!ParseNumber(s, 59, &sec)) return false;
    }
  }
  *out = sign * (h * 3600 + m * 60 + sec);
  return true;
}

bool IsLeap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int DaysInMonth(int64_t y, int m) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeap(y) ? 29 : kDays[m - 1];
}

}  // namespace

int64_t DaysFromCivil(int64_t y, int m, int d) {
  // Howard Hinnant's algorithm (public domain).
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

void CivilFromDays(int64_t days, int64_t* y, int* m, int* d) {
  days += 719468;
  const int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const int64_t doe = days - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  *d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  *m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  *y = yoe + era * 400 + (*m <= 2);
}

int WeekdayFromDays(int64_t days) {
  return static_cast<int>(days >= -4 ? (days + 4) % 7 : (days + 5) % 7 + 6);
}

bool TimeZone::ParseRule(std::string_view s, Rule* out) {
  int32_t posix_offset = 0;  // POSIX offsets count west of UTC
  if (!SkipAbbreviation(s) || !ParseHms(s, &posix_offset)) return false;
  out->std_offset = -posix_offset;
  if (s.empty()) return true;
  if (!SkipAbbreviation(s)) return false;
  out->has_dst = true;
  out->dst_offset = out->std_offset + 3600;
  if (!s.empty() && s[0] != ',') {
    if (!ParseHms(s, &posix_offset)) return false;
    out->dst_offset = -posix_offset;
  }
  for (RuleDate* date : {&out->start, &out->end}) {
    if (s.empty() || s[0] != ',') return false;
    s.remove_prefix(1);
    if (!s.empty() && s[0] == 'M') {
      s.remove_prefix(1);
      date->kind = 'M';
      if (!ParseNumber(s, 12, &date->month) || date->month < 1 || s.empty() || s[0] != '.') {
        return false;
      }
      s.remove_prefix(1);
      if (!ParseNumber(s, 5, &date->week) || date->week < 1 || s.empty() || s[0] != '.') {
        return false;
      }
      s.remove_prefix(1);
      if (!ParseNumber(s, 6, &date->weekday)) return false;
    } else if (!s.empty() && s[0] == 'J') {
      s.remove_prefix(1);
      date->kind = 'J';
      if (!ParseNumber(s, 365, &date->day) || date->day < 1) return false;
    } else {
      date->kind = 'N';
      if (!ParseNumber(s, 365, &date->day)) return false;
    }
    if (!s.empty() && s[0] == '/') {
      s.remove_prefix(1);
      if (!ParseHms(s, &date->time)) return false;
    }
  }
  return s.empty();
}

int64_t TimeZone::RuleTransition(const RuleDate& date, int64_t year, int32_t before) {
  int64_t day = 0;  // days since 1970-01-01
  switch (date.kind) {
    case 'J':  // 1-365, February 29 never counted
      day = DaysFromCivil(year, 1, 1) + date.day - 1 + (IsLeap(year) && date.day >= 60 ? 1 : 0);
      break;
    case 'N':  // 0-365, February 29 counted
      day = DaysFromCivil(year, 1, 1) + date.day;
      break;
    default: {  // weekday `weekday` of week `week` (5 = last) of `month`
      const int64_t first = DaysFromCivil(year, date.month, 1);
      int mday = 1 + (date.weekday - WeekdayFromDays(first) + 7) % 7 + (date.week - 1) * 7;
      while (mday > DaysInMonth(year, date.month)) mday -= 7;
      day = first + mday - 1;
    }
  }
  return day * kDay + date.time - before;
}

int TimeZone::RuleOffsetAt(int64_t t) const {
  if (!rule_.has_dst) return rule_.std_offset;
  int64_t year = 0;
  int month = 0, mday = 0;
  CivilFromDays((t + rule_.std_offset) / kDay - ((t + rule_.std_offset) % kDay < 0), &year, &month,
                &mday);
  const int64_t start = RuleTransition(rule_.start, year, rule_.std_offset);
  const int64_t end = RuleTransition(rule_.end, year, rule_.dst_offset);
  const bool dst = start < end ? (t >= start && t < end) : (t < end || t >= start);
  return dst ? rule_.dst_offset : rule_.std_offset;
}

std::shared_ptr<const TimeZone> TimeZone::Utc() {
  static const std::shared_ptr<const TimeZone> kUtc = [] {
    std::shared_ptr<TimeZone> zone(new TimeZone());
    zone->name_ = "UTC";
    return zone;
  }();
  return kUtc;
}

std::shared_ptr<const TimeZone> TimeZone::FromTzif(std::string name, std::string_view data,
                                                   std::string* error) {
  Reader r(data);
  Header h;
  if (!ReadHeader(r, &h)) {
    *error = "not a TZif file";
    return nullptr;
  }
  size_t time_size = 4;
  if (h.version >= '2') {
    // Skip the 32-bit block: the 64-bit one after it covers every year.
    if (!r.Skip(DataSize(h, 4)) || !ReadHeader(r, &h)) {
      *error = "truncated TZif file";
      return nullptr;
    }
    time_size = 8;
  }
  if (r.Rest().size() < DataSize(h, time_size)) {
    *error = "truncated TZif file";
    return nullptr;
  }
  std::shared_ptr<TimeZone> zone(new TimeZone());
  zone->name_ = std::move(name);
  std::vector<int64_t> times(static_cast<size_t>(h.timecnt));
  for (int64_t& t : times) r.Int(time_size, &t);
  std::vector<int> type_of(static_cast<size_t>(h.timecnt));
  for (int& index : type_of) r.Byte(&index);
  std::vector<int32_t> type_offsets(static_cast<size_t>(h.typecnt));
  for (int32_t& offset : type_offsets) {
    int64_t utoff = 0;
    r.Int(4, &utoff);
    r.Skip(2);  // isdst, abbreviation index
    offset = static_cast<int32_t>(utoff);
  }
  for (size_t i = 0; i < times.size(); ++i) {
    if (type_of[i] >= h.typecnt || (i > 0 && times[i] <= times[i - 1])) {
      *error = "malformed TZif transition table";
      return nullptr;
    }
    zone->transitions_.push_back(times[i]);
    zone->offsets_.push_back(type_offsets[static_cast<size_t>(type_of[i])]);
  }
  zone->initial_offset_ = type_offsets[0];
  r.Skip(static_cast<size_t>(h.charcnt) + static_cast<size_t>(h.leapcnt) * (time_size + 4) +
         static_cast<size_t>(h.isstdcnt + h.isutcnt));
  // Version 2+ footer: "\n<POSIX TZ string>\n" rules the times past the table.
  const std::string_view footer = r.Rest();
  if (time_size == 8 && footer.size() >= 2 && footer[0] == '\n') {
    const size_t end = footer.find('\n', 1);
    const std::string_view tz = footer.substr(1, end == std::string_view::npos ? 0 : end - 1);
    if (!tz.empty()) {
      if (!ParseRule(tz, &zone->rule_)) {
        *error = "unsupported TZ rule \"" + std::string(tz) + "\"";
        return nullptr;
      }
      zone->has_rule_ = true;
    }
  }
  return zone;
}

std::shared_ptr<const TimeZone> TimeZone::Load(const std::string& name, std::string* error,
                                               const std::string& zoneinfo_dir) {
  if (name == "UTC") return Utc();
  const bool valid = !name.empty() && name.size() < 256 && name[0] != '/' &&
                     std::all_of(name.begin(), name.end(), IsZoneNameChar) &&
                     name.find("..") == std::string::npos;
  if (!valid) {
    *error = "invalid time zone name";
    return nullptr;
  }
  std::ifstream file(zoneinfo_dir + "/" + name, std::ios::binary);
  std::ostringstream data;
  if (!file || !(data << file.rdbuf()) || data.str().size() > kMaxTzifSize) {
    *error = "unknown time zone (no TZif file in " + zoneinfo_dir + ")";
    return nullptr;
  }
  std::string why;
  auto zone = FromTzif(name, data.str(), &why);
  if (zone == nullptr) *error = "cannot read time zone: " + why;
  return zone;
}

int TimeZone::OffsetAt(int64_t unix_seconds) const {
  if (transitions_.empty() || unix_seconds < transitions_.front()) {
    if (transitions_.empty() && has_rule_) return RuleOffsetAt(unix_seconds);
    return initial_offset_;
  }
  if (unix_seconds >= transitions_.back() && has_rule_) return RuleOffsetAt(unix_seconds);
  const auto after = std::upper_bound(transitions_.begin(), transitions_.end(), unix_seconds);
  return offsets_[static_cast<size_t>(after - transitions_.begin() - 1)];
}

int64_t TimeZone::LocalToUnix(int64_t local) const {
  // Offsets change at most a few times a year, so the offsets a day either
  // side cover every candidate.
  const int32_t before = OffsetAt(local - kDay);
  const int32_t candidates[] = {before, OffsetAt(local), OffsetAt(local + kDay)};
  bool found = false;
  int64_t best = 0;
  for (const int32_t offset : candidates) {
    const int64_t unix = local - offset;
    if (OffsetAt(unix) == offset && (!found || unix < best)) {
      best = unix;
      found = true;
    }
  }
  return found ? best : local - before;
}

}  // namespace outage
