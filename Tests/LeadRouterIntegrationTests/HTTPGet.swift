import Foundation

/// One HTTP/1.1 request over a plain socket, read to the end: what a Prometheus scrape does, without
/// a client library (Foundation's on Linux needs libcurl).
struct HTTPReply: Sendable {
    let status: Int
    let headers: [String: String]
    let body: String

    /// `GET` by default; the connection is closed after the reply.
    static func fetch(port: Int, path: String, method: String = "GET") async throws -> HTTPReply {
        let raw = try await onOwnThread { () -> Result<String, POSIXError> in
            let descriptor: Int32
            do {
                descriptor = try LoopbackSocket.connect(port: port) { descriptor in
                    var timeout = timeval(tv_sec: 10, tv_usec: 0)
                    setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
                }
            } catch let error as POSIXError {
                return .failure(error)
            } catch {
                return .failure(POSIXError(.ECONNREFUSED))
            }
            defer { close(descriptor) }
            let request = Array("\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".utf8)
            _ = request.withUnsafeBytes { send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            var received: [UInt8] = []
            var chunk = [UInt8](repeating: 0, count: 64 << 10)
            while true {
                let count = chunk.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
                if count <= 0 { break }
                received += chunk[..<count]
            }
            return .success(String(decoding: received, as: UTF8.self))
        }.get()
        let parts = raw.components(separatedBy: "\r\n\r\n")
        let lines = parts[0].components(separatedBy: "\r\n")
        let status = Int(lines[0].split(separator: " ").dropFirst().first ?? "") ?? 0
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(
                in: .whitespaces)
        }
        return HTTPReply(status: status, headers: headers, body: parts.dropFirst().joined(separator: "\r\n\r\n"))
    }

    /// The value of one sample in Prometheus's text format, e.g. `leadrouter_calls_total{method="Route"}`.
    func sample(_ name: String) -> Double? {
        for line in body.split(separator: "\n") where line.hasPrefix(name + " ") {
            return Double(line.dropFirst(name.count + 1))
        }
        return nil
    }
}
