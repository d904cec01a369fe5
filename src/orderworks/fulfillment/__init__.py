"""Fulfilment: allocation of order lines to stock locations, shipments, picking, packing, labels, carriers,
tracking and dispatch manifests."""
