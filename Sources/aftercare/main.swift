import AftercareServer

try await AftercareMain.run()
