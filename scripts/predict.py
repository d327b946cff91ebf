"""Thin wrapper: `python scripts/predict.py [overrides]` == `stance-predict [overrides]`."""

from stance.cli import predict

if __name__ == "__main__":
    predict()
