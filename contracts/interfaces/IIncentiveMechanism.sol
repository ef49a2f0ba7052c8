// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

/// @title IIncentiveMechanism
/// @notice Prices contributions and decides refunds and takes. The trainer holds the money and the
/// contribution records; the mechanism keeps only its own counters and rules.
/// @dev Every `handle*` function is trainer-only and reverts with a custom error that says why an
/// action is refused.
interface IIncentiveMechanism {
    /// @notice Emitted once, when the mechanism is bound to its trainer.
    event TrainerSet(address indexed trainer);

    /// @notice The deposit `addData` needs if sent in the next block with the current time.
    function getNextAddDataCost() external view returns (uint256);

    function refundWaitTimeS() external view returns (uint256);
    function ownerClaimWaitTimeS() external view returns (uint256);
    function anyAddressClaimWaitTimeS() external view returns (uint256);
    function numValidForAddress(address contributor) external view returns (uint256);
    function totalGoodDataCount() external view returns (uint256);
    function totalSubmitted() external view returns (uint256);

    /// @notice The trainer allowed to call the `handle*` functions (zero until bound).
    function trainer() external view returns (address);

    /// @notice Bind the mechanism to `trainer_`. Deployer only, once.
    function setTrainer(address trainer_) external;

    /// @notice Price a contribution sent with `msgValue` wei; reverts when the deposit is too small.
    /// @return cost The deposit to keep; the trainer returns `msgValue - cost` to the sender.
    function handleAddData(uint256 msgValue) external returns (uint256 cost);

    /// @notice Decide a refund requested by the contribution's author.
    /// @param authorClaimed Whether the author already claimed from this contribution.
    /// @param claimable Wei still claimable on the contribution.
    /// @param prediction The current model's prediction for the contribution's data.
    /// @return amount Wei to pay the author.
    function handleRefund(
        address author,
        uint64 classification,
        uint256 addedTime,
        uint256 claimable,
        bool authorClaimed,
        uint64 prediction
    ) external returns (uint256 amount);

    /// @notice Decide a report (or owner / any-address take) on someone's contribution.
    /// @param owner The trainer's owner (entitled to the owner take).
    /// @param reporterClaimed Whether `reporter` already claimed from this contribution.
    /// @return amount Wei to pay the reporter.
    function handleReport(
        address reporter,
        address author,
        address owner,
        uint64 classification,
        uint256 addedTime,
        uint256 initialDeposit,
        uint256 claimable,
        bool reporterClaimed,
        uint64 prediction
    ) external returns (uint256 amount);
}
