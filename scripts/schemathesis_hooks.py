"""Schemathesis hooks for scripts/schemathesis.sh (loaded through SCHEMATHESIS_HOOKS).

POST /api/v1/mail/inbound takes one e-mail as received, `message/rfc822`: bytes on the wire, which
schemathesis has no serializer for. Send the generated bodies as they are, like application/octet-stream,
so the gateway's parser is fuzzed too instead of the operation being reported as not serializable.
"""

import schemathesis

schemathesis.serializer.alias("message/rfc822", "application/octet-stream")
