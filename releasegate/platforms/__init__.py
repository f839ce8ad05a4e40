"""Every approval platform ReleaseGate has, wired into the domain: the one place that
knows them all (`installed.PLATFORMS`, a plain dict). A new platform is a package under
`integrations/` plus one entry here; nothing in the engine changes."""
