"""The accounts app's forms: sign-up (allauth's form with the member's name), password
change (which can revoke the API tokens too) and the profile editor's sections."""
