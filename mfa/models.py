from django.db import models


class ResetRequest(models.Model):
    """One request for a password reset link, kept for an hour (the next request after that deletes
    it) to limit how many one address may make, or may be made for one email address (hashed: the
    table is no list of addresses). Recorded whether or not an account has the address, so the
    limit says nothing about accounts."""

    address = models.GenericIPAddressField(null=True)
    email_hash = models.CharField(max_length=64)
    made_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [
            # Requests from one address in the last hour; requests for one email in the last hour.
            models.Index(fields=["address", "made_at"], name="reset_request_by_address"),
            models.Index(fields=["email_hash", "made_at"], name="reset_request_by_email"),
        ]

    def __str__(self):
        return f"Password reset request from {self.address} at {self.made_at:%Y-%m-%d %H:%M}"
