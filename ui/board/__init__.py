"""The command board: its tables, tools, map, alarm, handover and wall display."""
