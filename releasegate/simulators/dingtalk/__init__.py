"""A DingTalk on loopback that speaks the real protocols, for the demo, the tests and the
benchmarks.

- server.py puts it on a socket. app.py routes DingTalk's API (tokens.py, faults.py,
  messages.py); control_api.py routes the `/_sim/` control API, whose page is page.py
  and whose client is control.py. wire.py holds requests, responses and the clock.
- state.py is everything it knows; settings.py, what it is configured with.
- approvals/: instances and the workflow API. forms/: the approval form and the
  connector it calls. Events reach ReleaseGate by HTTP push (pushes.py) or Stream mode
  (stream/); both, and the connector node, deliver on a DeliveryLoop
  (releasegate/simulators/delivery_loop.py).
"""
