"""The scenario library: YAML files, one per area-and-arrangement, each with its sources."""
