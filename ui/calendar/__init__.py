"""The calendar of planned content: month, week (hour grid) and agenda views (issue 6).

``data`` turns posts into chips (no Qt), ``canvas`` draws and drags chips, ``month``
and ``week`` lay them out, ``agenda`` lists them, ``widget`` puts it all together
with filters, navigation, "Move…" and undo.
"""
