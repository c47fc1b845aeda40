#include "collectors/icmp/icmp_packet.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace outage {
namespace {

constexpr uint8_t kEchoRequestV4 = 8;
constexpr uint8_t kEchoReplyV4 = 0;
constexpr uint8_t kEchoRequestV6 = 128;
constexpr uint8_t kEchoReplyV6 = 129;
constexpr size_t kHeaderBytes = 8;  // type, code, checksum, id, sequence
constexpr int kDefaultPayloadBytes = 28;
constexpr char kFiller[] = "outage_exporter ";

uint16_t Read16(std::string_view bytes, size_t at) {
  return static_cast<uint16_t>((static_cast<uint8_t>(bytes[at]) << 8) |
                               static_cast<uint8_t>(bytes[at + 1]));
}

void Put16(std::string* bytes, size_t at, uint16_t value) {
  (*bytes)[at] = static_cast<char>(value >> 8);
  (*bytes)[at + 1] = static_cast<char>(value & 0xff);
}

}  // namespace

uint16_t InternetChecksum(std::string_view data) {
  uint32_t sum = 0;
  size_t i = 0;
  for (; i + 1 < data.size(); i += 2) sum += Read16(data, i);
  if (i < data.size()) sum += static_cast<uint32_t>(static_cast<uint8_t>(data[i])) << 8;
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<uint16_t>(~sum & 0xffff);
}

std::string EncodeEchoRequest(bool v6, uint16_t id, uint16_t sequence, std::string_view payload) {
  std::string packet(kHeaderBytes, '\0');
  packet[0] = static_cast<char>(v6 ? kEchoRequestV6 : kEchoRequestV4);
  Put16(&packet, 4, id);
  Put16(&packet, 6, sequence);
  packet.append(payload);
  if (!v6) Put16(&packet, 2, InternetChecksum(packet));
  return packet;
}

std::optional<EchoReply> ParseEchoReply(bool v6, bool ip_header, std::string_view packet) {
  if (ip_header) {
    if (packet.empty()) return std::nullopt;
    const size_t header_len = (static_cast<uint8_t>(packet[0]) & 0x0f) * 4u;
    if (header_len < 20 || packet.size() < header_len) return std::nullopt;
    packet.remove_prefix(header_len);
  }
  if (packet.size() < kHeaderBytes) return std::nullopt;
  const uint8_t want = v6 ? kEchoReplyV6 : kEchoReplyV4;
  if (static_cast<uint8_t>(packet[0]) != want || packet[1] != 0) return std::nullopt;
  EchoReply reply;
  reply.id = Read16(packet, 4);
  reply.sequence = Read16(packet, 6);
  reply.payload = packet.substr(kHeaderBytes);
  return reply;
}

std::string EchoPayload(uint64_t token, int size) {
  const size_t n = size > 0 ? static_cast<size_t>(size) : kDefaultPayloadBytes;
  std::string payload(n, '\0');
  for (size_t i = 0; i < n; ++i) {
    payload[i] = i < sizeof token ? static_cast<char>((token >> (8 * i)) & 0xff)
                                  : kFiller[(i - sizeof token) % (sizeof kFiller - 1)];
  }
  return payload;
}

RttStats ComputeRttStats(const std::vector<double>& seconds) {
  RttStats stats;
  if (seconds.empty()) return stats;
  const auto [min, max] = std::minmax_element(seconds.begin(), seconds.end());
  stats.min = *min;
  stats.max = *max;
  stats.avg =
      std::accumulate(seconds.begin(), seconds.end(), 0.0) / static_cast<double>(seconds.size());
  double squares = 0;
  for (const double s : seconds) squares += (s - stats.avg) * (s - stats.avg);
  stats.stddev = std::sqrt(squares / static_cast<double>(seconds.size()));
  return stats;
}

}  // namespace outage
