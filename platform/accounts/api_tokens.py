"""What the two kinds of API token share: how a request presents one, how it is stored, and the
prefix that tells a program member's token (program sites) from a TA staff token (platform)."""

import hashlib

KEYWORDS = ("bearer", "token")
# A program member's token starts with this; TA staff tokens start with "hr_".
PROGRAM_TOKEN_PREFIX = "hrp_"  # noqa: S105  (a label, not a secret)


def presented_token(request):
    """The token in `Authorization: Token <t>` or `Authorization: Bearer <t>`, or None."""
    header = request.META.get("HTTP_AUTHORIZATION", "")
    parts = header.split()
    if len(parts) == 2 and parts[0].lower() in KEYWORDS:
        return parts[1]
    return None


def is_program_token(plaintext):
    return bool(plaintext) and plaintext.startswith(PROGRAM_TOKEN_PREFIX)


def hash_token(plaintext):
    # Tokens are long random strings, so a fast hash is enough: nothing to brute-force.
    return hashlib.sha256(plaintext.encode()).hexdigest()
