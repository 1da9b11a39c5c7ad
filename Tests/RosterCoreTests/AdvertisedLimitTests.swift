import RosterCore
import Testing

/// ``AdvertisedLimit``: rate-limit headers of the three families as rates; malformed ones ignored.
@Suite struct AdvertisedLimitTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var headers: [String: String]
        var source: AdvertisedLimit.Source?
        var requestsPerSecond: Double?
        var remaining: Int? = nil
        var reset: Duration? = nil
        var testDescription: String {
            headers.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: "; ")
        }
    }

    static let cases: [Case] = [
        // OpenAI: requests per minute; reset is a Go duration.
        Case(
            headers: [
                "x-ratelimit-limit-requests": "60", "x-ratelimit-remaining-requests": "59",
                "x-ratelimit-reset-requests": "1s",
            ],
            source: .openAI, requestsPerSecond: 1, remaining: 59, reset: .seconds(1)),
        Case(
            headers: [
                "x-ratelimit-limit-requests": "3000", "x-ratelimit-remaining-requests": "0",
                "x-ratelimit-reset-requests": "6m0s",
            ],
            source: .openAI, requestsPerSecond: 50, remaining: 0, reset: .seconds(360)),
        Case(
            headers: ["x-ratelimit-limit-requests": "120", "x-ratelimit-reset-requests": "20ms"],
            source: .openAI, requestsPerSecond: 2, reset: .milliseconds(20)),
        // Token headers alone say nothing about requests.
        Case(
            headers: ["x-ratelimit-limit-tokens": "150000", "x-ratelimit-remaining-tokens": "149984"], source: nil,
            requestsPerSecond: nil),
        // Remaining and reset without a limit: an exhausted budget, no rate.
        Case(
            headers: ["x-ratelimit-remaining-requests": "0", "x-ratelimit-reset-requests": "12ms"],
            source: .openAI, requestsPerSecond: nil, remaining: 0, reset: .milliseconds(12)),
        // IETF structured (draft 07+): named policies with q and w; the tightest wins.
        Case(
            headers: ["ratelimit-policy": #""default";q=100;w=60"#, "ratelimit": #""default";r=50;t=30"#],
            source: .ietfStructured, requestsPerSecond: 100.0 / 60, remaining: 50, reset: .seconds(30)),
        Case(
            headers: ["ratelimit-policy": #""burst";q=10;w=1, "daily";q=1000;w=86400"#],
            source: .ietfStructured, requestsPerSecond: 1000.0 / 86_400),
        Case(
            headers: ["ratelimit-policy": #"permin;q=30;w=60;qu="requests""#],
            source: .ietfStructured, requestsPerSecond: 0.5),
        // Older drafts: the trio, with the window in RateLimit-Limit's policies or RateLimit-Policy.
        Case(
            headers: [
                "ratelimit-limit": "10, 10;w=1, 1000;w=3600", "ratelimit-remaining": "9", "ratelimit-reset": "1",
            ],
            source: .ietfFields, requestsPerSecond: 1000.0 / 3600, remaining: 9, reset: .seconds(1)),
        Case(
            headers: [
                "ratelimit-limit": "100", "ratelimit-policy": "100;w=60", "ratelimit-remaining": "40",
                "ratelimit-reset": "12",
            ],
            source: .ietfFields, requestsPerSecond: 100.0 / 60, remaining: 40, reset: .seconds(12)),
        Case(headers: ["ratelimit-limit": "100, 100;window=10"], source: .ietfFields, requestsPerSecond: 10),
        // A bare trio states no window: no rate (the reset is no window), but remaining and reset.
        Case(
            headers: ["ratelimit-limit": "100", "ratelimit-remaining": "0", "ratelimit-reset": "30"],
            source: .ietfFields, requestsPerSecond: nil, remaining: 0, reset: .seconds(30)),
        // Malformed: ignored, never a crash.
        Case(headers: ["x-ratelimit-limit-requests": "lots"], source: nil, requestsPerSecond: nil),
        Case(headers: ["x-ratelimit-limit-requests": "-5"], source: nil, requestsPerSecond: nil),
        Case(headers: ["x-ratelimit-limit-requests": "0"], source: nil, requestsPerSecond: nil),
        Case(headers: ["x-ratelimit-limit-requests": "99999999999999999999999"], source: nil, requestsPerSecond: nil),
        Case(
            headers: ["x-ratelimit-limit-requests": "60", "x-ratelimit-reset-requests": "soon"],
            source: .openAI, requestsPerSecond: 1),
        Case(headers: ["ratelimit-limit": "", "ratelimit-policy": ";;;"], source: nil, requestsPerSecond: nil),
        Case(headers: ["ratelimit-policy": #""default";q=abc;w=60"#], source: nil, requestsPerSecond: nil),
        Case(headers: ["ratelimit-policy": #""default";q=100;w=0"#], source: nil, requestsPerSecond: nil),
        Case(headers: ["ratelimit-policy": #""default";q=100;w=nan"#], source: nil, requestsPerSecond: nil),
        Case(headers: ["ratelimit-policy": #""unterminated;q=100;w=60"#], source: nil, requestsPerSecond: nil),
        Case(headers: ["ratelimit-limit": "10, 10;w=-1, 5;w=inf"], source: .ietfFields, requestsPerSecond: nil),
        Case(headers: ["ratelimit": #""default";r=50;t=30"#], source: nil, requestsPerSecond: nil),
        Case(headers: [:], source: nil, requestsPerSecond: nil),
    ]

    @Test(arguments: cases)
    func parses(_ example: Case) {
        let parsed = AdvertisedLimit(headers: example.headers)
        #expect(parsed?.source == example.source)
        if let expected = example.requestsPerSecond {
            let rate = try? #require(parsed?.requestsPerSecond)
            #expect(abs((rate ?? 0) - expected) < 1e-9, "\(String(describing: rate)) vs \(expected)")
        } else {
            #expect(parsed?.requestsPerSecond == nil)
        }
        #expect(parsed?.remaining == example.remaining)
        #expect(parsed?.reset == example.reset)
    }

    @Test func theStructuredFormWinsOverTheOlderAndOpenAIs() {
        let parsed = AdvertisedLimit(headers: [
            "ratelimit-policy": #""default";q=60;w=60"#, "ratelimit-limit": "100, 100;w=1",
            "x-ratelimit-limit-requests": "6000",
        ])
        #expect(parsed?.source == .ietfStructured)
        #expect(parsed?.requestsPerSecond == 1)
    }

    @Test func openAIsWindowCanBeChanged() {
        let parsed = AdvertisedLimit(headers: ["x-ratelimit-limit-requests": "10"], openAIWindow: .seconds(1))
        #expect(parsed?.requestsPerSecond == 10)
    }

    @Test(arguments: ["1s", "6m0s", "20ms", "1h2m3.5s", "0", "250us", "1.5s"])
    func goDurations(_ text: String) {
        let expected: [String: Duration] = [
            "1s": .seconds(1), "6m0s": .seconds(360), "20ms": .milliseconds(20), "1h2m3.5s": .milliseconds(3_723_500),
            "0": .zero, "250us": .microseconds(250), "1.5s": .milliseconds(1500),
        ]
        #expect(GoDuration.parse(text) == expected[text])
    }

    @Test(arguments: ["", "s", "1", "1x", "1s2", "-1s", "..s", "1e9h"])
    func malformedGoDurations(_ text: String) {
        let parsed = GoDuration.parse(text)
        // Either refused, or (an absurd length) capped at a day: never a crash, never longer.
        #expect(parsed == nil || parsed! <= GoDuration.maximum, "\(String(describing: parsed))")
    }

    /// Random bytes in every header the parser reads: it must return (or not) without trapping,
    /// and any rate it gives is positive and finite.
    @Test func garbageNeverCrashes() {
        var generator = SplitMix64(state: 14)
        let alphabet = Array(#"0123456789;=,"wqrt. -abcXYZ\ "#)
        let names = [
            "x-ratelimit-limit-requests", "x-ratelimit-remaining-requests", "x-ratelimit-reset-requests",
            "ratelimit-policy", "ratelimit", "ratelimit-limit", "ratelimit-remaining", "ratelimit-reset",
        ]
        for _ in 0..<2_000 {
            var headers: [String: String] = [:]
            for name in names where Bool.random(using: &generator) {
                let length = Int.random(in: 0...24, using: &generator)
                headers[name] = String((0..<length).map { _ in alphabet.randomElement(using: &generator)! })
            }
            if let rate = AdvertisedLimit(headers: headers)?.requestsPerSecond {
                #expect(rate > 0 && rate.isFinite, "\(headers)")
            }
        }
    }
}
