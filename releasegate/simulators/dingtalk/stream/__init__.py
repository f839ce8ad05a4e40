"""Stream mode: DingTalk's WebSocket gateway that delivers events to a connected client
(gateway.py), the frames it sends and the answers it reads (frames.py), when each delivery
is sent again (deliveries.py) and what it keeps (records.py); the HTTP endpoint that opens
a connection and the control endpoints (api.py), and their client (control.py)."""
