#!/usr/bin/env bash
# Refresh the zh_Hans catalogue from the code, then compile it (needs GNU gettext).
# Translate the new/fuzzy entries in guanxi/locale/zh_Hans/LC_MESSAGES/django.po, then run again.
set -euo pipefail
cd "$(dirname "$0")/../guanxi"
../.venv/bin/guanxi makemessages -l zh_Hans --no-obsolete --add-location file \
  --ignore 'static/*' -v 0
../.venv/bin/guanxi compilemessages -l zh_Hans -v 0
msgfmt --statistics -o /dev/null locale/zh_Hans/LC_MESSAGES/django.po
