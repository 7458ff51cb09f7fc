"""Life support: cabin atmosphere, crew metabolism and vitals."""
