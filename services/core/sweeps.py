"""The worker's rhythm, which the living demo replays at simulated times: how often it
sweeps, and how many leads one sweep dispatches or escalates at most."""

EVERY_S = 15.0  # the issue asks for at least every 30 s
BATCH = 1000  # one sweep's leads to dispatch or escalate; the next sweep takes the rest
