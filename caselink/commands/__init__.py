"""One module per `caselink` subcommand; each exposes one click command."""
