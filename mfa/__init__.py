"""Two-factor authentication (an authenticator app and recovery codes) and password recovery for
local accounts. django-otp's own apps hold the devices; this app holds the pages and the rules."""
