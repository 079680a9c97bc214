"""Running layer: the runner, its schedule, the privacy scan, notebook refresh and the command line."""
