"""Service requests (住房保障, 医疗服务, 子女教育 …): filed by talents, handled by units on working-day
time limits, followed on a timeline, rated, counted."""
