"""One module per `reflow` subcommand, each exposing ``run(args) -> int``."""
