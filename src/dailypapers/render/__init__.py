"""Publishing: everything here renders from the store's models into files, never from output."""
