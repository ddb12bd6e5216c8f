"""Verifies a delivered webhook (body on stdin) with the Python SDK: prints the event's type, api_version and object id."""
import json
import os
import sys

import stripe

event = stripe.Webhook.construct_event(sys.stdin.read(), os.environ["PT_SIGNATURE"], os.environ["PT_SECRET"])
print(json.dumps([event.type, event.api_version, event.data.object.id]))
