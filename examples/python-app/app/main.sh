echo "app running from $APP_HOME with: $(tr '\n' ' ' < /opt/venv/installed.txt)"
