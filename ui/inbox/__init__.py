"""The comments inbox (issue 10): the Inbox tab and its dialogs."""
