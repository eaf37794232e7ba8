"""Economy resolvers; the domain's userErrors type is shared by its modules."""

from resolvers.payload import user_error_type
from services import errors

EconomyUserError = user_error_type(errors.ECONOMY)
