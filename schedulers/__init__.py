"""When things run: APScheduler wiring, publish jobs, misfire and retry policy."""
