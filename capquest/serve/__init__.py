"""`capquest serve`: the classroom in a browser.

`server.ClassroomServer` serves the game with textual-serve, one game process per browser connection;
each process runs `capquest.serve.session` (the real game app, first asking the student's name) with
the class folder, pack and language the teacher chose. Floor 3, beside the CLI and the TUI.
"""
