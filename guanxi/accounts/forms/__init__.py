"""The accounts app's forms: sign-up (allauth's form with the member's name) and the
profile editor's sections."""
