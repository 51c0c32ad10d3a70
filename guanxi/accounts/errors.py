"""The accounts app's errors."""


class TokenLimitReached(Exception):
    """The member already holds MAX_TOKENS_PER_USER tokens."""
