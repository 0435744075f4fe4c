#pragma once
// GPU tests skip, with a message, where there is no CUDA device.

#include <gtest/gtest.h>

#include "cuda/model_device.cuh"

#define SKIP_WITHOUT_GPU() \
  if (::apmsim::cuda::device_count() == 0) GTEST_SKIP() << "no CUDA device: GPU test not run"
