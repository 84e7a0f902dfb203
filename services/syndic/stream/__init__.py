"""The streaming edge: faust agents, tables and the HTTP server around the pure core."""
