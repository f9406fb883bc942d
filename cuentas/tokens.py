"""The signed link that confirms a citizen's email address.

Django's password-reset tokens, with a salt of their own and a hash over what confirming
changes: once the address is confirmed, the same link no longer works. They expire after
settings.PASSWORD_RESET_TIMEOUT (three days by default), like the password-reset links.
"""

from django.contrib.auth.tokens import PasswordResetTokenGenerator


class EmailVerificationTokenGenerator(PasswordResetTokenGenerator):
    key_salt = "cuentas.tokens.EmailVerificationTokenGenerator"

    def _make_hash_value(self, user, timestamp: int) -> str:
        cuenta = user.cuenta
        verified = "" if cuenta.verified_at is None else cuenta.verified_at.isoformat()
        return f"{user.pk}{cuenta.email}{verified}{user.is_active}{timestamp}"


email_verification_token = EmailVerificationTokenGenerator()
