"""A Feishu (飞书) on loopback that speaks the Open API, for the demo, the tests and the
benchmarks.

- server.py puts it on a socket. app.py routes Feishu's API (tokens.py, ratelimits.py,
  faults.py, messages.py); control_api.py routes the `/_sim/` control API, whose page is
  page.py and whose client is control.py. wire.py holds requests, responses and the clock.
- state.py is everything it knows; settings.py, what it is configured with.
- approvals/: the definition, instances and tasks, and approval v4's API. forms.py: a
  person filling the release form, with options from ReleaseGate (options.py).
- Events reach ReleaseGate by webhook (pushes.py, sealed by crypto.py) or over the long
  connection ReleaseGate opens (long_connection/), each on a DeliveryLoop
  (releasegate/simulators/delivery_loop.py); SimSettings.event_delivery says which.
"""
