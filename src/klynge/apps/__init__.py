"""The apps that Voila serves, one per role; each notebook in notebooks/apps calls one of these."""
