import Foundation
import LeadRouterCore

extension Rep {
    public init(wire: Leadrouter_V1_Rep) throws {
        guard !wire.id.isEmpty else { throw RPCError(.invalidArgument, "rep.id is required") }
        var hours: WorkingHours?
        if !wire.workingHours.isEmpty || !wire.timeZone.isEmpty {
            let zoneName = wire.timeZone.isEmpty ? "UTC" : wire.timeZone
            guard let zone = TimeZone(identifier: zoneName) else {
                throw RPCError(
                    .invalidArgument,
                    "rep '\(wire.id)': unknown time zone '\(zoneName)' (use an IANA id such as Europe/Berlin)")
            }
            var days: [Int: [WorkingHours.Span]] = [:]
            for span in wire.workingHours {
                guard (1...7).contains(span.weekday), span.startMinute < span.endMinute, span.endMinute <= 1440 else {
                    throw RPCError(
                        .invalidArgument,
                        "rep '\(wire.id)': working span needs weekday 1-7 and 0 <= start < end <= 1440")
                }
                days[Int(span.weekday), default: []].append(
                    .init(startMinute: Int(span.startMinute), endMinute: Int(span.endMinute)))
            }
            hours =
                wire.workingHours.isEmpty
                ? WorkingHours(
                    timeZone: zone,
                    days: Dictionary(
                        uniqueKeysWithValues: (1...7).map { ($0, [.init(startMinute: 0, endMinute: 1440)]) }))
                : WorkingHours(timeZone: zone, days: days)
        }
        self.init(
            id: wire.id, name: wire.name.isEmpty ? nil : wire.name, teams: wire.teams,
            skills: wire.skills.mapValues(Int.init), territories: wire.territories, languages: wire.languages,
            weight: wire.hasWeight ? wire.weight : 1, performance: wire.hasPerformance ? wire.performance : nil,
            capacity: wire.hasCapacity ? Int(wire.capacity) : 10, dailyCap: wire.hasDailyCap ? Int(wire.dailyCap) : nil,
            workingHours: hours,
            outOfOffice: wire.outOfOffice.map {
                OutOfOffice(start: Timestamp(millis: $0.startMs), end: Timestamp(millis: $0.endMs))
            })
    }

    public var wire: Leadrouter_V1_Rep {
        var wire = Leadrouter_V1_Rep()
        wire.id = id
        wire.name = name
        wire.teams = teams
        wire.skills = skills.mapValues(Int32.init)
        wire.territories = territories
        wire.languages = languages
        wire.weight = weight
        if let performance { wire.performance = performance }
        wire.capacity = Int32(capacity)
        if let dailyCap { wire.dailyCap = Int32(dailyCap) }
        if let hours = workingHours {
            wire.timeZone = hours.timeZone.identifier
            wire.workingHours = hours.days.keys.sorted().flatMap { day in
                hours.days[day]!.map { span in
                    var wireSpan = Leadrouter_V1_WorkingSpan()
                    wireSpan.weekday = UInt32(day)
                    wireSpan.startMinute = UInt32(span.startMinute)
                    wireSpan.endMinute = UInt32(span.endMinute)
                    return wireSpan
                }
            }
        }
        wire.outOfOffice = outOfOffice.map { leave in
            var interval = Leadrouter_V1_Interval()
            interval.startMs = leave.start.millis
            interval.endMs = leave.end.millis
            return interval
        }
        return wire
    }
}

extension RepStatus {
    public init(wire: Leadrouter_V1_RepStatus) throws {
        switch wire {
        case .available: self = .available
        case .onCall: self = .onCall
        case .wrapUp: self = .wrapUp
        case .away: self = .away
        case .offline: self = .offline
        case .unspecified, .UNRECOGNIZED:
            throw RPCError(.invalidArgument, "status is required: available, on_call, wrap_up, away or offline")
        }
    }

    public var wire: Leadrouter_V1_RepStatus {
        switch self {
        case .available: .available
        case .onCall: .onCall
        case .wrapUp: .wrapUp
        case .away: .away
        case .offline: .offline
        }
    }
}

extension Territory {
    public init(wire: Leadrouter_V1_Territory) {
        self.init(
            id: wire.id, countries: wire.countries, regions: wire.regions, states: wire.states,
            postalPrefixes: wire.postalPrefixes)
    }

    public var wire: Leadrouter_V1_Territory {
        var wire = Leadrouter_V1_Territory()
        wire.id = id
        wire.countries = countries
        wire.regions = regions
        wire.states = states
        wire.postalPrefixes = postalPrefixes
        return wire
    }
}

extension AccountOwner {
    public init(wire: Leadrouter_V1_AccountOwner) {
        self.init(
            accountID: wire.accountID.isEmpty ? nil : wire.accountID, domain: wire.domain.isEmpty ? nil : wire.domain,
            rep: wire.rep)
    }
}
