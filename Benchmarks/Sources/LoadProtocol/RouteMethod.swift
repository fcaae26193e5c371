import GRPCCore

/// The gRPC peer's one method, described by hand instead of generated: it is all a generated stub
/// would hold, and it spares the benchmarks protoc-gen-grpc-swift's long build.
public enum RouteMethod {
    public static let descriptor = MethodDescriptor(fullyQualifiedService: "leadrouter.v1.LeadRouter", method: "Route")
}
