"""County Risk Map command line (the `riskmap` console command)."""
