"""Event machinery: the outbox writer, bus backends, the relay and the stream helper.

Never imports `resolvers` or `services`.
"""
