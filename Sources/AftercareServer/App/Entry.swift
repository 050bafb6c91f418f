import AftercareStore
import Foundation
import Logging
import Vapor

/// The `aftercare` binary: `serve [--demo]`, `migrate`, `demo`, `mailgate`, and Vapor's own commands.
public enum AftercareMain {
    public static func run() async throws {
        var arguments = CommandLine.arguments
        // The mail gateway opens no database and no server: a mail server runs it once per message.
        if arguments.count > 1 && arguments[1] == "mailgate" {
            let code = await Mailgate.run(arguments)
            Foundation.exit(code)
        }
        let demo = arguments.count > 1 && arguments[1] == "serve" && arguments.contains("--demo")
        arguments.removeAll { $0 == "--demo" }
        var env = try Environment.detect(arguments: arguments)
        try LoggingSystem.bootstrap(from: &env)
        let config: AppConfig
        do {
            config = try AppConfig.fromEnvironment()
        } catch {
            FileHandle.standardError.write(Data("\(error)\n".utf8))
            exit(2)
        }
        let app = try await Application.make(env)
        do {
            try await configure(app, config: config)
            if arguments.count > 1 && arguments[1] == "serve" {
                try await app.autoMigrate()
                if config.sweepInterval > 0 {
                    app.lifecycle.use(SweepRunner(interval: TimeInterval(config.sweepInterval)))
                }
                if demo {
                    let added = try await DemoData(app.store).load(requests: 1000) { app.logger.info("\($0)") }
                    app.logger.info("demo data ready (\(added) requests added)")
                    let hasher = app.storage[AuthSettingsKey.self]!.hasher
                    let logins = try await DemoUsers.load(into: app.store, hasher: hasher)
                    try await DemoDispatch.load(into: app.store)
                    try await DemoParts.load(into: app.store)
                    try await DemoReports.load(into: app.store, vault: app.vault)
                    try await DemoBilling.load(into: app.store)
                    try await DemoReturns.load(into: app.store)
                    try await DemoComplaints.load(into: app.store)
                    try await DemoSurveys.load(into: app.store)
                    try await DemoVoice.load(into: app.store)
                    // Strangers' mail goes to the East China desk, where the demo's hotline agent works.
                    if app.mailSettings.unitCode == nil { app.storage[MailSettingsKey.self]?.unitCode = "BR-EC" }
                    try await DemoMail.load(into: app.store, vault: app.vault, unitCode: app.mailSettings.unitCode)
                    let lines = logins.map {
                        "  \($0.username.padding(toLength: 12, withPad: " ", startingAt: 0)) \($0.role.rawValue) (\($0.unitCode))"
                    }
                    print(
                        """
                        Aftercare demo is ready on http://\(hostPort(arguments)).
                        Sign in with any of these logins; the password of every demo login is \(DemoUsers.password)
                        \(lines.joined(separator: "\n"))
                        Customers use the portal at /portal. API: /api/v1 with a personal access token (see /account);
                        API description: /openapi.yaml
                        """)
                }
            }
            try await app.execute()
        } catch let exit as ExitCode {
            try? await app.asyncShutdown()
            Foundation.exit(exit.code)
        } catch {
            app.logger.report(error: error)
            try? await app.asyncShutdown()
            Foundation.exit(1)
        }
        try await app.asyncShutdown()
    }

    static func hostPort(_ arguments: [String]) -> String {
        func value(_ names: [String]) -> String? {
            guard let i = arguments.firstIndex(where: names.contains), i + 1 < arguments.count else { return nil }
            return arguments[i + 1]
        }
        return "\(value(["--hostname", "-H"]) ?? "127.0.0.1"):\(value(["--port", "-p"]) ?? "8080")"
    }
}
