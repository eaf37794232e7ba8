"""Stf resolvers; the domain's userErrors type is shared by its modules."""

from resolvers.payload import user_error_type
from services import errors

StfUserError = user_error_type(errors.STF)
