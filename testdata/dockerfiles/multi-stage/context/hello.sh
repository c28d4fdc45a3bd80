#!/bin/sh
echo hello from builder
