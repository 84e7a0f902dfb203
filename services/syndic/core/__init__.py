"""The pure core: no faust, no Kafka. Plain data in, plain data out; clock and state passed in."""
