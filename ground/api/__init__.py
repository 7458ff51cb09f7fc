"""How clients reach a running ground: the control API client."""
