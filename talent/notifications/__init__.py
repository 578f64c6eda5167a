"""The in-app inbox (站内消息) every feature writes to: a bell with an unread count, a list, read marks."""
