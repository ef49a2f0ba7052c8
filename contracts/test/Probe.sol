// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;
contract Probe { function f(int64[] calldata d) external pure returns (uint256) { return d.length; } }
