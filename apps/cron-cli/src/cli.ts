console.log("powertoken");
