"""Admin integration: the admin site logs in through allauth, never through its own password form.

Django's admin login view calls ``authenticate()`` directly and so skips allauth's MFA stage;
allauth's ``secure_admin_login`` sends it to the allauth login instead (allauth docs, "Admin"),
so an admin login gets the same second factor, lockout and audit as every other.
"""

from allauth.account.decorators import secure_admin_login
from django.contrib import admin

admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]
