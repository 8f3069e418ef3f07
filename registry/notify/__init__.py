"""Notifications: what each user should hear about (deadlines, shortfalls, reviews), in the app and by e-mail."""
