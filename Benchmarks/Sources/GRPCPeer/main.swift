import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import LeadRouterCore
import LeadRouterWire
import LoadProtocol

/// The gRPC peer: LeadRouterCore's engine behind grpc-swift-2 over HTTP/2, loaded with the same roster
/// leadbench gives LeadRouter. Usage: GRPCPeer [HOST:PORT] — prints "listening on HOST:PORT" when ready.
let address = CommandLine.arguments.dropFirst().first ?? "127.0.0.1:7431"
let parts = address.split(separator: ":")
let host = String(parts.first ?? "127.0.0.1")
let port = Int(parts.last ?? "7431") ?? 7431

let engine = RoutingEngine(configuration: EngineConfiguration(detailedExplanations: false))
try engine.upsertReps(try BenchRoster.reps.map { try Rep(wire: $0) })
for rep in BenchRoster.reps { try engine.setAvailability(rep.id, status: .available) }

let server = GRPCServer(
    transport: .http2NIOPosix(address: .ipv4(host: host, port: port), transportSecurity: .plaintext),
    services: [RouteService(engine: engine)])
try await withThrowingDiscardingTaskGroup { group in
    group.addTask { try await server.serve() }
    if let bound = try await server.listeningAddress?.ipv4 {
        // Unbuffered: compare.sh waits for this line through a pipe.
        FileHandle.standardOutput.write(Data(("listening on \(bound.host):\(bound.port)" + "\n").utf8))
    }
}
